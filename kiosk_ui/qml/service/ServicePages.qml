import QtQuick
import ".."

// Signed in: a tab per page, the page, and the outcome of the last action at the bottom.
Item {
    id: pages
    objectName: "servicePages"
    ServiceWords { id: w }

    readonly property var tabs: [
        { "id": "overview", "title": qsTr("Overview") },
        { "id": "selftests", "title": qsTr("Self-tests") },
        { "id": "supplies", "title": qsTr("Supplies") },
        { "id": "logs", "title": qsTr("Logs") },
        { "id": "config", "title": qsTr("Config") },
        { "id": "service", "title": qsTr("In / out") }
    ]

    ServiceTopBar {
        id: bar
        title: qsTr("Service mode")
        anchors { left: parent.left; right: parent.right; top: parent.top }
        ServiceButton {
            objectName: "serviceSignOut"
            anchors { right: parent.right; rightMargin: 230; verticalCenter: parent.verticalCenter }
            text: qsTr("Sign out")
            colour: Theme.amber
            onClicked: service.signOut()
        }
    }

    Row {
        id: tabRow
        anchors { left: parent.left; right: parent.right; top: bar.bottom }
        height: 110
        Repeater {
            model: pages.tabs
            Rectangle {
                objectName: "tab_" + modelData.id
                readonly property bool current: service.page === modelData.id
                width: tabRow.width / pages.tabs.length; height: tabRow.height
                color: current ? Theme.page : (tabTap.pressed ? Theme.bluePressed : Theme.navy)
                Text {
                    anchors.centerIn: parent
                    width: parent.width - 12
                    horizontalAlignment: Text.AlignHCenter
                    text: modelData.title
                    color: parent.current ? Theme.ink : Theme.onDark
                    fontSizeMode: Text.HorizontalFit
                    minimumPixelSize: 22
                    font { family: Theme.font; pixelSize: 32; weight: Font.Bold }
                }
                MouseArea { id: tabTap; anchors.fill: parent; onClicked: service.showPage(modelData.id) }
            }
        }
    }

    Loader {
        id: pageLoader
        objectName: "servicePageLoader"
        anchors { left: parent.left; right: parent.right; top: tabRow.bottom; bottom: noticeBar.top }
        source: ({
            "overview": "ServiceOverview.qml",
            "selftests": "ServiceSelfTests.qml",
            "supplies": "ServiceSupplies.qml",
            "logs": "ServiceLogs.qml",
            "config": "ServiceConfig.qml",
            "service": "ServiceOutIn.qml"
        })[service.page] || ""
    }

    Rectangle {
        id: noticeBar
        objectName: "serviceNotice"
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: 120
        readonly property bool has: service.notice.code !== undefined
        color: !has ? Theme.card : (service.notice.ok ? "#E3F3EA" : Theme.warnBg)
        Rectangle { anchors { left: parent.left; right: parent.right; top: parent.top } height: 2; color: Theme.line }
        Text {
            objectName: "serviceNoticeText"
            anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; leftMargin: 40; rightMargin: 40 }
            text: noticeBar.has ? w.noticeText(service.notice)
                                : (service.busy.length > 0 ? qsTr("Working…") : qsTr("Idle sign-out after a few minutes without a touch."))
            color: !noticeBar.has ? Theme.inkSoft : (service.notice.ok ? "#0B5A33" : Theme.warnInk)
            wrapMode: Text.Wrap
            maximumLineCount: 2
            elide: Text.ElideRight
            font { family: Theme.font; pixelSize: 28; weight: noticeBar.has ? Font.Bold : Font.Normal }
        }
        MouseArea { anchors.fill: parent; enabled: noticeBar.has; onClicked: service.dismissNotice() }
    }
}
